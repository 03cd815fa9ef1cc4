"""(being written)"""

from plugins.isp.api import blueprint  # noqa: F401
