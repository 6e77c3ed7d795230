"""What a French training organisation must prove: measured learning time, the certificat de
réalisation, the attestation de fin de formation and the evidence pack (issue 15).

Dependencies point one way: ``proof`` → certificates → quizzes, courses → training.
"""
