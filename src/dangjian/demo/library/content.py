"""Every material of the demo college's study library, in the order they are listed."""

from dangjian.demo.library.spec import MaterialSpec
from dangjian.demo.library.texts import policy, political, purpose, rules, skills, theory, tradition

SPECS: list[MaterialSpec] = [
    *theory.MATERIALS,
    *political.MATERIALS,
    *rules.MATERIALS,
    *purpose.MATERIALS,
    *tradition.MATERIALS,
    *policy.MATERIALS,
    *skills.MATERIALS,
]
