"""The two-share signing key (SPEC §C): enrolment, reset, and co-signed approval of every act a PIN approves."""
