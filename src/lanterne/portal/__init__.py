"""Portal: the French web pages people use — tables, maps, agenda, downloads, embeds."""
