"""Start the web app: `python app.py` serves the Gradio UI at / and the JSON API at /api/ask."""

from __future__ import annotations

import sys
import threading
import time


def main() -> int:
    started = time.perf_counter()
    # imported one after the other: importing gradio in a thread beside torch was seen to hang
    from assistant.config import Settings
    from assistant.errors import AssistantError

    try:
        settings = Settings.from_env()
        from assistant.security import check_exposure

        warnings = check_exposure(settings)  # refuses a public app without a login
        for line in warnings:
            print(line, file=sys.stderr, flush=True)
        from assistant.pipeline import Assistant

        assistant = Assistant.from_settings(settings)  # loads the model and the index, once
    except AssistantError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2

    from assistant import ui

    if settings.share:
        print("Membuka tautan publik Gradio (share=True); /api/ask tidak tersedia dalam mode ini.")
        ui.launch_shared(assistant, settings)
        return 0

    import uvicorn

    app = ui.build_app(assistant, settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.05)
    if not server.started:
        print(
            f"Error: server tidak dapat berjalan di {settings.host}:{settings.port}",
            file=sys.stderr,
        )
        return 2
    seconds = time.perf_counter() - started
    print(f"Siap dalam {seconds:.1f} detik: http://{settings.host}:{settings.port}/", flush=True)
    for line in warnings:  # again, where the operator looks once it runs
        print(line, file=sys.stderr, flush=True)
    try:
        while thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        server.should_exit = True
        thread.join(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
