from pynenc import Pynenc

app = Pynenc(config_values={"max_retries": 1})
