"""China's official working-day calendar: `days` counts on it, `entry` lets the IT office
enter a year's holidays and 调休 working weekends when the library lags."""
