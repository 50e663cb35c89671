"""The kit's sync client: a Qt-free background worker that delivers sealed packets to the hub."""


def for_kit(*args, **kwargs):
    """The sync client of a kit from its data folder (see sync.client.factory.for_kit)."""
    from sync.client.factory import for_kit as build  # lazy: keeps `import sync.client` light and acyclic

    return build(*args, **kwargs)
