"""Jalali (Solar Hijri) calendar: conversion, parsing of typed dates, and display."""

from __future__ import annotations

import datetime as dt

import jdatetime

from i18n.persian import normalize_digits, to_persian_digits

MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)


class InvalidDate(ValueError):
    """A date that does not exist in the calendar it was written in."""


def to_gregorian(year: int, month: int, day: int) -> dt.date:
    """Convert a Jalali date to Gregorian, raising InvalidDate for impossible dates."""
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError as exc:
        raise InvalidDate(str(exc)) from exc


def to_jalali(date: dt.date) -> tuple[int, int, int]:
    """Convert a Gregorian date to a Jalali (year, month, day) triple."""
    j = jdatetime.date.fromgregorian(date=date)
    return j.year, j.month, j.day


def parse_date(text: str, calendar: str) -> dt.date:
    """Parse ``YYYY-MM-DD`` or ``YYYY/MM/DD`` (any digits) in the given calendar ('jalali' or 'gregorian')."""
    parts = normalize_digits(text).strip().replace("/", "-").split("-")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        raise InvalidDate(text)
    year, month, day = (int(p) for p in parts)
    if calendar == "jalali":
        return to_gregorian(year, month, day)
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise InvalidDate(str(exc)) from exc


def format_date(date: dt.date | None, locale: str) -> str:
    """Show a date: Jalali with Persian digits and month name in Persian, ISO-like Gregorian otherwise."""
    if date is None:
        return ""
    if isinstance(date, dt.datetime):
        date = date.date()
    if locale == "fa":
        year, month, day = to_jalali(date)
        return to_persian_digits(f"{day} {MONTHS_FA[month - 1]} {year}")
    return date.strftime("%-d %B %Y")

