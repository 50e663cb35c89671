"""Device drivers and their simulators (Qt-free).

Open any device from a string spec with `drivers.registry.open_device("fingerprint:sim:normal")`.
Layout follows Electrum's hardware split: a backend module per vendor/transport (the "plugin"), one live
connection object per opened device (the "client"), whose I/O all runs on that device's `DeviceWorker`
thread; UI callbacks (the "handler") subscribe to the worker's events.
"""
