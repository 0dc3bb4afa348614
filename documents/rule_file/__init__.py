"""The rule set as one readable, versioned file (TOML) that a municipality exports, shares
and imports: document types, adoption rules, samverkan rules, unit level names and the
mandate-period calendar. See docs/rules.md, "The rule-set file"."""
