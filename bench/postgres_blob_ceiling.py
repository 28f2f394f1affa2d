"""What PostgreSQL alone takes: blobs stored the way PostgresBlobStore stores an instance of up
to one chunk (one statement, its own transaction, the bytes a binary parameter), from N client
connections, nothing else running. The tables are PostgresSchema's blob tables, made in a
scratch schema and dropped at the end. bench/README.md ("What bounds the last targets of
issue 6") has the run and its figures.

    pip install "psycopg[binary]"
    head -c 524288 /dev/urandom > /tmp/body.bin
    python3 bench/postgres_blob_ceiling.py "$APUS_TEST_POSTGRES_URL" /tmp/body.bin 4 20
"""

import os
import sys
import threading
import time

import psycopg

TABLES = """
CREATE SCHEMA blob_ceiling;
SET search_path TO blob_ceiling;
CREATE TABLE blob_uploads (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started timestamptz NOT NULL DEFAULT now());
CREATE TABLE blob_chunks (upload_id bigint NOT NULL REFERENCES blob_uploads (id) ON DELETE CASCADE,
    "offset" bigint NOT NULL, bytes bytea NOT NULL, PRIMARY KEY (upload_id, "offset"));
ALTER TABLE blob_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;
CREATE TABLE blobs (key text COLLATE "C" PRIMARY KEY,
    upload_id bigint NOT NULL UNIQUE REFERENCES blob_uploads (id) ON DELETE CASCADE,
    size bigint NOT NULL, modified timestamptz NOT NULL DEFAULT now());
"""

PUT = """
WITH previous AS (SELECT upload_id FROM blobs WHERE key = %(key)s FOR UPDATE),
upload AS (INSERT INTO blob_uploads DEFAULT VALUES RETURNING id),
chunk AS (INSERT INTO blob_chunks (upload_id, "offset", bytes) SELECT id, 0, %(bytes)b FROM upload),
blob AS (INSERT INTO blobs (key, upload_id, size) SELECT %(key)s, id, %(size)s FROM upload
    ON CONFLICT (key) DO UPDATE SET upload_id = excluded.upload_id, size = excluded.size, modified = now())
SELECT upload_id FROM previous
"""


def main():
    url, path, clients, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    body = open(path, "rb").read()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(TABLES)
    counts = [0] * clients
    deadline = time.monotonic() + seconds

    def client(number):
        with psycopg.connect(url, autocommit=True, prepare_threshold=0, options="-c search_path=blob_ceiling") as c:
            while time.monotonic() < deadline:
                key = f"{os.getpid()}-{number}-{counts[number]}"
                c.execute(PUT, {"key": key, "bytes": body, "size": len(body)}, binary=True).fetchall()
                counts[number] += 1

    start = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA blob_ceiling CASCADE")
    print(f"{clients} clients: {sum(counts)} blobs of {len(body)} bytes in {elapsed:.1f} s, {sum(counts) / elapsed:.1f}/s")


if __name__ == "__main__":
    main()
