"""The programme's figures: the contract indicators, the dashboard's charts, the annual report, own indicators."""
