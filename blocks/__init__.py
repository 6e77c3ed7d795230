"""Competency blocks: progress shown per block and the block attestation (partial validation)."""
