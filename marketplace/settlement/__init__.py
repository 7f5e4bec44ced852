"""Settlement: moving initiatives' money with the provider and accounting for it.

Onboarding an initiative's own provider account (`onboarding`), transferring what the platform
held once it is active and checking transfers with the provider (`transfers`), and the monthly
statements (`statements`, `statement_files`). The records themselves are `marketplace.payouts`.
"""
