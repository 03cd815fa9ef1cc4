"""What the ISP vertical adds to the operator's views: start-page counters and the ticket's contract panel."""
