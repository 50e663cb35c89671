"""Population data on the kit: a commune's residents from the National Population Database (an extract the
hub sealed to this kit), stored encrypted, searched offline (docs/population.md). Qt-free."""
