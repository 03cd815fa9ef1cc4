"""The server-rendered web shell: tenant-branded layout, navigation, dashboard, errors."""
