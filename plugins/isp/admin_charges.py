"""(being written)"""

from plugins.isp.web import blueprint  # noqa: F401
