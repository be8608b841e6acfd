"""The demo college's study library: sixty-odd materials written for the demo, rendered into
real files (`build.material_files`), and a year of members' reading (`history.reading_sessions`).
"""

from dangjian.demo.library.build import DemoMaterial, material_files
from dangjian.demo.library.history import reading_sessions

__all__ = ["DemoMaterial", "material_files", "reading_sessions"]
