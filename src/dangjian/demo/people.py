"""Data pools for generated people and colleges: names, places, phone prefixes, departments.

The values are ordinary Chinese data. Nothing here refers to a real person.
"""

import datetime
import random
from dataclasses import dataclass

from dangjian.members.rules import id_check_code

# The hundred-odd most common surnames with their approximate share (percent) of the population.
SURNAMES: dict[str, float] = {
    "王": 7.1, "李": 7.0, "张": 6.7, "刘": 5.1, "陈": 4.6, "杨": 3.2, "黄": 2.4, "赵": 2.3, "吴": 2.0, "周": 2.0,
    "徐": 1.6, "孙": 1.5, "马": 1.3, "朱": 1.3, "胡": 1.2, "郭": 1.1, "何": 1.1, "林": 1.0, "高": 1.0, "罗": 0.95,
    "郑": 0.87, "梁": 0.84, "谢": 0.81, "宋": 0.76, "唐": 0.73, "许": 0.71, "韩": 0.70, "邓": 0.68, "冯": 0.68,
    "曹": 0.65, "彭": 0.63, "曾": 0.60, "肖": 0.58, "田": 0.56, "董": 0.55, "潘": 0.52, "袁": 0.52, "蔡": 0.51,
    "蒋": 0.50, "余": 0.49, "于": 0.48, "杜": 0.47, "叶": 0.46, "程": 0.45, "魏": 0.44, "苏": 0.44, "吕": 0.43,
    "丁": 0.42, "任": 0.41, "卢": 0.40, "姚": 0.40, "沈": 0.39, "钟": 0.38, "姜": 0.38, "崔": 0.37, "谭": 0.36,
    "陆": 0.36, "范": 0.35, "汪": 0.34, "廖": 0.34, "石": 0.33, "金": 0.32, "韦": 0.31, "贾": 0.30, "夏": 0.30,
    "付": 0.29, "方": 0.29, "邹": 0.28, "熊": 0.28, "白": 0.27, "孟": 0.27, "秦": 0.26, "邱": 0.26, "侯": 0.25,
    "江": 0.25, "尹": 0.24, "薛": 0.24, "段": 0.23, "雷": 0.23, "龙": 0.22, "黎": 0.22, "史": 0.21, "陶": 0.21,
    "贺": 0.20, "毛": 0.20, "郝": 0.19, "顾": 0.19, "龚": 0.18, "邵": 0.18, "孔": 0.17, "欧阳": 0.05, "上官": 0.01,
    "司马": 0.01, "诸葛": 0.01,
}  # fmt: skip


def _words(text: str) -> list[str]:
    return text.split()


# Given names by generation and gender: fashions in names changed a great deal.
GIVEN_NAMES: dict[tuple[str, str], list[str]] = {
    ("old", "male"): _words("建国 国强 建华 志刚 德明 永福 国平 振华 文斌 卫东 红军 庆丰 学军 长春 守仁 树林 广才 玉林 宝山 金生 立新 建军 志远 国栋 明 军 平 勇 刚 忠 杰 斌"),
    ("old", "female"): _words("秀英 桂兰 玉兰 淑珍 凤英 秀兰 桂英 玉梅 秀珍 素芳 美华 丽华 红梅 淑华 玉珍 凤兰 文静 秀云 桂芳 兰英 兰 英 华 珍 芳 霞 梅"),
    ("middle", "male"): _words("伟 磊 勇 军 强 杰 涛 斌 鹏 辉 刚 峰 超 明 健 宏 晓东 海涛 志勇 建平 俊峰 永刚 晓明 国华 立军 春雷 文龙 海军 云飞 晓峰 振宇 学东 鹏飞 亚军"),
    ("middle", "female"): _words("丽 娟 敏 静 燕 艳 玲 婷 芳 娜 霞 慧 洁 颖 晓燕 丽娟 海燕 晓丽 春梅 红霞 丽萍 雪梅 秀梅 晓红 玉洁 婷婷 静怡 丹丹 晓静 丽娜 倩 莉"),
    ("young", "male"): _words("浩然 宇轩 子豪 睿 泽宇 博文 俊杰 晨阳 铭 翔宇 瑞 子墨 皓轩 一鸣 思远 嘉懿 浩宇 天佑 文轩 梓豪 明哲 煜 昊 宇航 鑫 凯 家豪 奕辰 乐天 锦程"),
    ("young", "female"): _words("欣怡 梓涵 雨萱 诗琪 佳悦 思彤 梦瑶 雅婷 可馨 子涵 语嫣 若曦 心怡 诗涵 晓彤 一诺 雨桐 佳琪 紫萱 欣妍 梓萱 婧 璐 瑶 琳 悦 菲 雯 颖 晨曦"),
}  # fmt: skip

ETHNICITIES: dict[str, float] = {
    "汉族": 91.0, "回族": 1.6, "满族": 1.5, "蒙古族": 1.0, "壮族": 1.2, "土家族": 0.8, "苗族": 0.7, "朝鲜族": 0.5,
    "彝族": 0.5, "藏族": 0.3, "维吾尔族": 0.3, "侗族": 0.2, "白族": 0.2,
}  # fmt: skip

# County-level administrative division codes (GB/T 2260) used as the first six digits of ID numbers.
HOME_REGIONS = ["370102", "370103", "370181", "370202", "370305", "370602", "370702", "370883", "371102", "371302"]
NATIONAL_REGIONS = [
    "110105", "110108", "120104", "130102", "140105", "150102", "210102", "220102", "230103", "310104",
    "320102", "320506", "330106", "340104", "350102", "360102", "410105", "420106", "430104", "440106",
    "450103", "460106", "500103", "510107", "520102", "530102", "540102", "610113", "620102", "630102",
    "640104", "650102",
]  # fmt: skip

MOBILE_PREFIXES = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182", "183", "184",
    "185", "186", "187", "188", "189", "191", "193", "195", "198", "199",
]  # fmt: skip

CITIES = ["北京", "上海", "深圳", "广州", "杭州", "成都", "西安", "武汉", "青岛", "南京"]
UNIVERSITIES_ABROAD = [
    "英国牛津大学",
    "德国海德堡大学",
    "美国密歇根大学",
    "日本京都大学",
    "法国巴黎第一大学",
    "荷兰莱顿大学",
]
ADMIN_OFFICES = ["学院办公室", "党委办公室", "教务办公室", "科研办公室", "学生工作办公室", "研究生工作办公室"]


@dataclass(frozen=True)
class Department:
    name: str  # 哲学系
    major: str  # 哲学


@dataclass(frozen=True)
class College:
    name: str
    departments: tuple[Department, ...]


def _college(name: str, *departments: str) -> College:
    return College(name, tuple(Department(*item.split(":")) for item in departments))


# The first is the college of the essay the project grew from; the others give bench/ its scale.
COLLEGES = [
    _college("哲学与社会发展学院", "哲学系:哲学", "社会学系:社会学", "社会工作系:社会工作", "心理学系:应用心理学"),
    _college("文学院", "中国语言文学系:汉语言文学", "戏剧影视文学系:戏剧影视文学", "古典文献学系:古典文献学"),
    _college("历史文化学院", "中国史系:历史学", "世界史系:世界史", "考古学系:考古学"),
    _college("经济学院", "经济学系:经济学", "金融学系:金融学", "国际经济与贸易系:国际经济与贸易"),
    _college("管理学院", "工商管理系:工商管理", "会计学系:会计学", "市场营销系:市场营销", "信息管理系:信息管理与信息系统"),
    _college("法学院", "法学系:法学", "知识产权系:知识产权"),
    _college("马克思主义学院", "思想政治教育系:思想政治教育", "中共党史系:中共党史"),
    _college("外国语学院", "英语系:英语", "日语系:日语", "俄语系:俄语", "翻译系:翻译"),
    _college("数学科学学院", "数学系:数学与应用数学", "统计学系:统计学", "计算数学系:信息与计算科学"),
    _college("物理学院", "物理学系:物理学", "光电科学系:光电信息科学与工程"),
    _college("化学化工学院", "化学系:化学", "化学工程系:化学工程与工艺", "材料化学系:材料化学"),
    _college("生命科学学院", "生物科学系:生物科学", "生物技术系:生物技术", "生态学系:生态学"),
    _college("信息科学与工程学院", "计算机科学系:计算机科学与技术", "电子工程系:电子信息工程", "通信工程系:通信工程", "自动化系:自动化"),
    _college("机械工程学院", "机械设计系:机械设计制造及其自动化", "车辆工程系:车辆工程", "工业工程系:工业工程"),
    _college("土木工程学院", "土木工程系:土木工程", "建筑学系:建筑学", "给排水系:给排水科学与工程"),
    _college("环境科学与工程学院", "环境科学系:环境科学", "环境工程系:环境工程"),
    _college("教育学院", "教育学系:教育学", "学前教育系:学前教育", "教育技术系:教育技术学"),
    _college("体育学院", "体育教育系:体育教育", "运动训练系:运动训练"),
    _college("艺术学院", "美术系:美术学", "音乐系:音乐学", "设计系:视觉传达设计"),
    _college("政治与公共管理学院", "政治学系:政治学与行政学", "行政管理系:行政管理", "国际政治系:国际政治"),
    _college("地理科学学院", "地理系:地理科学", "地理信息系:地理信息科学", "人文地理系:人文地理与城乡规划"),
    _college("医学院", "基础医学系:基础医学", "临床医学系:临床医学", "护理学系:护理学"),
    _college("药学院", "药学系:药学", "药物化学系:药物化学"),
    _college("公共卫生学院", "预防医学系:预防医学", "卫生检验系:卫生检验与检疫"),
    _college("材料科学与工程学院", "材料物理系:材料物理", "高分子材料系:高分子材料与工程"),
    _college("能源与动力工程学院", "热能工程系:能源与动力工程", "新能源系:新能源科学与工程"),
    _college("软件学院", "软件工程系:软件工程", "数据科学系:数据科学与大数据技术"),
    _college("新闻与传播学院", "新闻系:新闻学", "广告系:广告学", "广播电视系:广播电视学"),
    _college("旅游管理学院", "旅游管理系:旅游管理", "酒店管理系:酒店管理"),
    _college("农学院", "农学系:农学", "植物保护系:植物保护", "园艺系:园艺"),
]  # fmt: skip

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (for 第N党支部; n < 100)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CHINESE_DIGITS[ones]
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return head + "十" + (CHINESE_DIGITS[ones] if ones else "")


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def random_date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


class People:
    """Draws names, ID numbers and phone numbers; keeps ID numbers unique across one data set."""

    def __init__(self) -> None:
        self.id_numbers: set[str] = set()
        self._surnames = list(SURNAMES)
        self._surname_weights = list(SURNAMES.values())
        self._ethnicities = list(ETHNICITIES)
        self._ethnicity_weights = list(ETHNICITIES.values())

    def name(self, rng: random.Random, gender: str, birth_year: int) -> str:
        era = "old" if birth_year < 1965 else "middle" if birth_year < 1990 else "young"
        surname = rng.choices(self._surnames, self._surname_weights)[0]
        return surname + rng.choice(GIVEN_NAMES[(era, gender)])

    def ethnicity(self, rng: random.Random) -> str:
        return rng.choices(self._ethnicities, self._ethnicity_weights)[0]

    def id_number(self, rng: random.Random, birth_date: datetime.date, gender: str) -> str:
        """A valid, unused ID number (GB 11643): region, birth date, order code, check digit."""
        while True:
            region = rng.choice(HOME_REGIONS) if rng.random() < 0.4 else rng.choice(NATIONAL_REGIONS)
            # The order code's last digit is odd for men and even for women (GB 11643 §8.1.3).
            order = rng.randint(0, 499) * 2 + (1 if gender == "male" else 0)
            first17 = f"{region}{birth_date:%Y%m%d}{order:03d}"
            value = first17 + id_check_code(first17)
            if value not in self.id_numbers:
                self.id_numbers.add(value)
                return value

    @staticmethod
    def phone(rng: random.Random) -> str:
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
