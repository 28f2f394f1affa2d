-- What the S3 server alone takes: PUTs of one body (a file of the size of the instances
-- measured, 512 KB for the CT) to new keys, from wrk's connections, nothing else running.
-- bench/README.md ("What bounds the last targets of issue 6") has the run and its figures.
--
--   head -c 524288 /dev/urandom > /tmp/body.bin
--   curl -X PUT "$APUS_TEST_S3_ENDPOINT/ceiling"      # the bucket
--   BODY=/tmp/body.bin wrk -t 2 -c 4 -d 20s -s bench/s3_put_ceiling.lua "$APUS_TEST_S3_ENDPOINT"

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("prefix", "ceiling/" .. os.time() .. "-" .. threads .. "/")
end

function init(args)
  local file = assert(io.open(os.getenv("BODY") or "/tmp/body.bin", "rb"))
  body = file:read("*a")
  file:close()
  count = 0
end

function request()
  count = count + 1
  return wrk.format("PUT", "/" .. prefix .. count, { ["Content-Type"] = "application/dicom" }, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("%d PUTs in %.1f s: %.1f/s, %d errors\n", summary.requests, seconds,
    summary.requests / seconds, summary.errors.status + summary.errors.connect))
end
