"""The digital rectification ledger (数字化整改台账): tasks opened from problems, their status
moves and their deadlines."""
