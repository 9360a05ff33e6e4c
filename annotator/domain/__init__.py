"""Pure domain objects. Imports nothing from the rest of the package but itself."""
