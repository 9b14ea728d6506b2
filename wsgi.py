from policybuilder import create_app

app = create_app()
