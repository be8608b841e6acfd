"""The audit log's tamper evidence: each event's content hash, the daily seals, their verification.

`hashing` holds the pure functions; `chain` seals days and verifies events, seals and chain.
"""
