"""Local stand-ins for services we cannot reach (box-office vendors, OpenAgenda), speaking real HTTP.

They replay the vendors' real payload shapes; tests, the demo and the benchmarks talk to them exactly
as Lanterne talks to the real services. Nothing here imports Lanterne's domains.
"""
