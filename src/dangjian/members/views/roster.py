from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


member_list = member_create = member_detail = member_edit = member_reveal = _todo
member_transfer = situation_add = password_reset = _todo
