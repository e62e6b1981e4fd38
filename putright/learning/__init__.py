"""Learning from complaints: root causes and lessons per case, the rolling action plan of
improvement actions with their clocks and effectiveness reviews, the reviews and reports,
telling complainants and residents what changed, and repeat complaints suggested from text."""
