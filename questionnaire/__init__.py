"""The parts of the Streamlit questionnaire (app.py): wording, state, form, charts and views.

`streamlit run app.py` puts app.py's folder, and so this package, on sys.path. The wheel ships
the two together under advisor/app/ (with the worked examples and .streamlit/config.toml), not
as a top-level package of its own; `advisor app` runs that page. The library and the CLI never
import it, so Streamlit and Altair stay off their path.
"""
