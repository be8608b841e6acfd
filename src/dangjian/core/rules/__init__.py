"""Rules shared by several apps, placed at the bottom so that every app may import them. Pure, no ORM."""
