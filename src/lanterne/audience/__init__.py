"""Audience: the union's pooled, consent-first audience of art-house moviegoers."""
