"""An hour of help nearby: initiatives' tasks, sign-ups with a waiting list, confirmed hours."""
