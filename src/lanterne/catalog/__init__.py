"""The catalog: cinemas, films, showtimes (séances) and schools, the reference every domain points at."""
