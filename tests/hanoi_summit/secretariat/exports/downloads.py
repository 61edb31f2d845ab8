"""Reading an export back: its rows, as a spreadsheet user would see them.

Exports and the List of Participants are made in the background: the request that starts
one answers with a redirect to the document's page. `downloaded` plays the worker's turn
(a test's transaction never commits, so the task queued on commit never runs by itself)
and fetches the file as the page's link would.
"""

import csv
import io

import openpyxl

from hanoi_summit.secretariat.documents.tasks import document_job_run_task

DOCUMENT_PAGE = "/dashboard/documents/"


def downloaded(response, client=None):
    """The file behind a started document (or `response` itself if it started none), fetched
    by `client` (by default the test client that made `response`)."""
    if response.status_code == 302 and response.url.startswith(DOCUMENT_PAGE):
        document_job_run_task(int(response.url.removeprefix(DOCUMENT_PAGE).strip("/")))
        response = (client or response.client).get(f"{response.url}download")
        assert response.status_code == 200, response
    return response


def body(response, client=None):
    response = downloaded(response, client)
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_csv(response, client=None):
    text = body(response, client).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def read_xlsx(response):
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    return [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]


def column(rows, header):
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]
