"""Password rules for the people who sign in on a laptop."""

from __future__ import annotations

from app.domain.errors import ValidationError

MIN_PASSWORD_LENGTH = 6


def check_password(password: str) -> None:
    """Raise ValidationError for a password too weak to protect minors' records."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。",
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
            field="password",
        )
    if len(set(password)) == 1:
        raise ValidationError("密码不能全是同一个字符。", "The password cannot be one repeated character.",
                              field="password")
