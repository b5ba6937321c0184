"""The 文书模板 pages (``templates``) and their form (``forms``)."""
