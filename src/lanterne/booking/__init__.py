"""Booking: the youth culture pass flow — venues, offers, bookings, countermarks, reimbursements."""
