"""The login's image challenge, drawn here by the `captcha` library (no outside service).

The answer is chosen and checked by app/services/access/throttle.py; this module only draws it.
"""

from captcha.image import ImageCaptcha

WIDTH, HEIGHT = 180, 64


def png(answer: str) -> bytes:
    return ImageCaptcha(width=WIDTH, height=HEIGHT).generate(answer, format="png").getvalue()
