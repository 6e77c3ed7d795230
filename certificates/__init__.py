"""Certificates: completion rules, issuing (frozen snapshot + stored PDF), PDF rendering,
public verification, revocation and bulk export."""
