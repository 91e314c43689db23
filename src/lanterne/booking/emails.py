"""The pass's e-mails, in French, through `lanterne.mail`: the venue learns who booked what (and can
reply straight to the young person), the young person gets the countermark, and a cancellation notice.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from lanterne import mail
from lanterne.booking.money import euros
from lanterne.settings import Settings

PARIS = ZoneInfo("Europe/Paris")


def local_time(instant: datetime) -> str:
    """An instant as a French reader expects it, in Europe/Paris: '28/11/2026 à 20h30'."""
    local = instant.astimezone(PARIS)
    return local.strftime("%d/%m/%Y à %Hh%M")


def _what(card: dict[str, Any]) -> str:
    version = f" ({card['version']})" if card.get("version") else ""
    return (
        f"Offre : {card['offer_name']}{version}\n"
        f"Séance : {local_time(card['show_starts_at'])}\n"
        f"Lieu : {card['venue_name']}\n"
        f"Quantité : {card['quantity']}\n"
        f"Prix : {euros(card['unit_price_cents'])} la place, {euros(card['amount_cents'])} au total\n"
    )


def venue_message(settings: Settings, card: dict[str, Any]) -> EmailMessage:
    """To the venue's booking address, Reply-To the young person so staff can answer directly."""
    text = (
        f"Nouvelle réservation pass Culture — contremarque {card['countermark']}\n\n"
        f"{_what(card)}\n"
        f"Réservé par : {card['first_name']} {card['last_name']}\n"
        f"E-mail : {card['beneficiary_email']}\n"
        f"Téléphone : {card.get('beneficiary_phone') or 'non renseigné'}\n\n"
        "Au guichet, saisissez la contremarque et vérifiez le nom sur une pièce d'identité.\n"
    )
    subject = f"Nouvelle réservation {card['countermark']} : {card['offer_name']}"
    return mail.build_message(
        settings, card["booking_email"], subject, text, reply_to=card["beneficiary_email"]
    )


def beneficiary_message(settings: Settings, card: dict[str, Any]) -> EmailMessage:
    withdrawal = card.get("withdrawal_details") or "Présentez votre contremarque au guichet."
    text = (
        f"Bonjour {card['first_name']},\n\n"
        f"Votre réservation est confirmée. Votre contremarque : {card['countermark']}\n\n"
        f"{_what(card)}\n"
        f"Modalités de retrait : {withdrawal}\n"
        f"Annulation possible jusqu'au {local_time(card['cancellation_limit_at'])}.\n\n"
        "Munissez-vous d'une pièce d'identité.\n"
    )
    subject = f"Votre réservation {card['countermark']} : {card['offer_name']}"
    return mail.build_message(settings, card["beneficiary_email"], subject, text)


def send_booking_emails(settings: Settings, card: dict[str, Any]) -> None:
    mail.send(settings, venue_message(settings, card))
    mail.send(settings, beneficiary_message(settings, card))


def send_cancellation_notice(settings: Settings, card: dict[str, Any], reason: str) -> None:
    """Tell the young person their booking is cancelled and the credit given back, and why."""
    text = (
        f"Bonjour {card['first_name']},\n\n"
        f"Votre réservation {card['countermark']} est annulée : {reason}\n\n"
        f"{_what(card)}\n"
        f"Votre crédit de {euros(card['amount_cents'])} vous a été rendu.\n"
    )
    subject = f"Réservation {card['countermark']} annulée : {card['offer_name']}"
    mail.send(settings, mail.build_message(settings, card["beneficiary_email"], subject, text))


def send_cancellation_to_venue(settings: Settings, card: dict[str, Any]) -> None:
    text = (
        f"La réservation {card['countermark']} a été annulée par "
        f"{card['first_name']} {card['last_name']}.\n\n"
        f"{_what(card)}"
    )
    subject = f"Réservation {card['countermark']} annulée"
    mail.send(settings, mail.build_message(settings, card["booking_email"], subject, text))
