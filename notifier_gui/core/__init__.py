"""Qt-free core: configuration, secrets, storage, delivery. Never imports Qt."""
