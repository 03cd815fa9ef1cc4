"""The dmdk demo: the shipped "Демо-реестр ДМДК" tenant file and its data, certificates made at demo time.

``registry.toml`` is returned by the ``demo_tenant_files`` hook; :mod:`plugins.dmdk.demo.seed` builds its
``[demo.plugins.dmdk]`` part (``load_demo_data``); :mod:`plugins.dmdk.demo.pki` keeps the demo certification
authority and the people's keys and certificates in the instance folder.
"""
