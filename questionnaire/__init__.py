"""The parts of the Streamlit questionnaire (app.py): wording, state, form, charts and views.

Not part of the wheel: the library and the CLI never import it, so Streamlit and Altair stay
off their path. `streamlit run app.py` puts app.py's folder, and so this package, on sys.path.
"""
