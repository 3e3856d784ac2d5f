// Ingest benchmark: starts a real `spanscope serve` on a fresh database, offers it HTTP-server-like
// spans (15 attributes each) over several connections, and prints the spans/s actually stored
// (counted in the database afterwards), the server's CPU and peak memory, and disk bytes per span.
//
// Usage: ingest_bench [--spanscope PATH] [--seconds N] [--connections N] [--only LIST] [--keep]
// Scenarios: grpc-512, http-512, json-512, grpc-10, http-10: the transport (gRPC, HTTP/protobuf,
// HTTP/JSON) and the spans per request.

#include <otlp/otlpjson.h>
#include <telemetry.h>
#include <tracestore.h>

#include <opentelemetry/proto/collector/trace/v1/trace_service.pb.h>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace pb_trace = opentelemetry::proto::trace::v1;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int SpansPerTrace = 8;

struct Options
{
    std::string spanscope = SPANSCOPE_BIN;
    double seconds = 10;
    int connections = 4;
    std::vector<std::string> only;
    bool keep = false; // leave the databases for inspection
};

// A serialized ExportTraceServiceRequest and where its trace ids sit, so each send can carry
// fresh ids without re-serializing.
struct RequestTemplate
{
    std::string bytes;
    bool json = false; // OTLP-JSON, where ids are hex text
    std::vector<std::size_t> traceIdOffsets;
};

void setAttr(pb_trace::Span &span, const char *key, const std::string &value)
{
    auto *kv = span.add_attributes();
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value);
}

void setAttr(pb_trace::Span &span, const char *key, std::int64_t value)
{
    auto *kv = span.add_attributes();
    kv->set_key(key);
    kv->mutable_value()->set_int_value(value);
}

RequestTemplate makeTemplate(int spans, bool json, std::mt19937_64 &rng)
{
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
    auto *rs = request.add_resource_spans();
    for (const auto &[k, v] : {std::pair{"service.name", "bench-api"},
                               {"service.version", "2.3.1"},
                               {"deployment.environment.name", "bench"},
                               {"telemetry.sdk.language", "cpp"}}) {
        auto *kv = rs->mutable_resource()->add_attributes();
        kv->set_key(k);
        kv->mutable_value()->set_string_value(v);
    }
    auto *ss = rs->add_scope_spans();
    ss->mutable_scope()->set_name("bench.http");
    static const char *routes[]
        = {"/api/orders/{id}", "/api/cart", "/api/users/{id}", "/healthz", "/api/search"};
    static const char *methods[] = {"GET", "POST", "PUT"};
    const std::uint64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
    std::string traceId(16, '\0'), rootId;
    for (int i = 0; i < spans; ++i) {
        const int inTrace = i % SpansPerTrace;
        if (inTrace == 0) {
            for (char &c : traceId)
                c = static_cast<char>(rng());
        }
        pb_trace::Span *span = ss->add_spans();
        span->set_trace_id(traceId);
        std::string spanId(8, '\0');
        for (char &c : spanId)
            c = static_cast<char>(rng() | 1);
        span->set_span_id(spanId);
        if (inTrace == 0)
            rootId = spanId;
        else
            span->set_parent_span_id(rootId);
        const char *route = routes[rng() % 5];
        const char *method = methods[rng() % 3];
        span->set_name(std::string(method) + " " + route);
        span->set_kind(inTrace == 0 ? pb_trace::Span::SPAN_KIND_SERVER
                                    : pb_trace::Span::SPAN_KIND_CLIENT);
        span->set_start_time_unix_nano(now + i * 1000);
        span->set_end_time_unix_nano(now + i * 1000 + 200'000 + rng() % 5'000'000);
        const std::uint64_t requestNo = rng();
        setAttr(*span, "http.request.method", method);
        setAttr(*span, "http.route", route);
        setAttr(*span, "http.response.status_code", std::int64_t(rng() % 20 == 0 ? 500 : 200));
        setAttr(*span, "url.path",
                std::string("/api/orders/") + std::to_string(requestNo % 100000));
        setAttr(*span, "url.scheme", "https");
        setAttr(*span, "server.address", "api.bench.internal");
        setAttr(*span, "server.port", std::int64_t(8443));
        setAttr(*span, "client.address",
                "10.0." + std::to_string(rng() % 4) + "." + std::to_string(rng() % 250));
        setAttr(*span, "user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) bench/1.0");
        setAttr(*span, "network.protocol.version", "1.1");
        setAttr(*span, "http.request.body.size", std::int64_t(rng() % 4096));
        setAttr(*span, "http.response.body.size", std::int64_t(rng() % 65536));
        setAttr(*span, "user.id", "user-" + std::to_string(rng() % 1000));
        setAttr(*span, "request.id", std::to_string(requestNo));
        setAttr(*span, "thread.id", std::int64_t(rng() % 32));
        if (rng() % 20 == 0)
            span->mutable_status()->set_code(pb_trace::Status::STATUS_CODE_ERROR);
    }
    RequestTemplate t;
    t.json = json;
    t.bytes = json ? spanscope::ingest::printOtlpJson(request) : request.SerializeAsString();
    for (const pb_trace::Span &span : ss->spans()) {
        if (!span.parent_span_id().empty())
            continue;
        const std::string id
            = json ? spanscope::storage::hexEncode(span.trace_id()) : span.trace_id();
        for (std::size_t pos = t.bytes.find(id); pos != std::string::npos;
             pos = t.bytes.find(id, pos + 1))
            t.traceIdOffsets.push_back(pos);
    }
    return t;
}

// Writes a fresh trace-id prefix (unique per send) into every trace id of the template.
void stamp(std::string &bytes, const RequestTemplate &t, std::uint64_t sendNo)
{
    const std::string_view raw(reinterpret_cast<const char *>(&sendNo), sizeof sendNo);
    const std::string prefix = t.json ? spanscope::storage::hexEncode(raw) : std::string(raw);
    for (std::size_t offset : t.traceIdOffsets)
        std::memcpy(&bytes[offset], prefix.data(), prefix.size());
}

struct Server
{
    pid_t pid = -1;
    std::string grpc, http, db;
};

Server startServer(const Options &options, const std::string &db)
{
    int pipeFds[2];
    if (pipe(pipeFds) != 0)
        std::exit(1);
    Server server;
    server.db = db;
    server.pid = fork();
    if (server.pid == 0) {
        dup2(pipeFds[1], STDOUT_FILENO);
        close(pipeFds[0]);
        execl(options.spanscope.c_str(), options.spanscope.c_str(), "serve", "--db", db.c_str(),
              "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", "--sampling-http", "off",
              "--sampling-grpc", "off", static_cast<char *>(nullptr));
        std::perror("exec spanscope");
        _exit(127);
    }
    close(pipeFds[1]);
    std::string text;
    char buf[512];
    while (text.find("database") == std::string::npos) {
        const ssize_t n = read(pipeFds[0], buf, sizeof buf);
        if (n <= 0) {
            std::fprintf(stderr, "spanscope serve did not start (is %s built?)\n",
                         options.spanscope.c_str());
            std::exit(1);
        }
        text.append(buf, n);
    }
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string label, address;
        words >> label >> address;
        if (label == "OTLP/gRPC")
            server.grpc = address;
        else if (label == "OTLP/HTTP")
            server.http = address;
    }
    return server;
}

// utime + stime of a process, in seconds.
double cpuSeconds(pid_t pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string content((std::istreambuf_iterator<char>(stat)), {});
    std::istringstream fields(content.substr(content.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14 || i == 15)
            ticks += std::stod(field);
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long peakRssKiB(pid_t pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stol(line.substr(6));
    }
    return 0;
}

struct Totals
{
    std::atomic<std::uint64_t> sentSpans{0}, retries{0}, failures{0};
    std::mutex mutex;
    std::vector<double> latenciesMs; // time from send to acknowledgement, every request

    void addLatencies(const std::vector<double> &ms)
    {
        std::lock_guard lock(mutex);
        latenciesMs.insert(latenciesMs.end(), ms.begin(), ms.end());
    }

    double percentile(double p)
    {
        if (latenciesMs.empty())
            return 0;
        std::sort(latenciesMs.begin(), latenciesMs.end());
        return latenciesMs[std::min(latenciesMs.size() - 1,
                                    static_cast<std::size_t>(p * latenciesMs.size()))];
    }
};

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void grpcClient(const Server &server, const RequestTemplate &t, int spans, int connection,
                Clock::time_point end, std::atomic<std::uint64_t> &sendNo, Totals &totals)
{
    grpc::ChannelArguments args;
    args.SetInt("spanscope.bench.connection", connection); // a channel (TCP connection) each
    args.SetMaxReceiveMessageSize(-1);
    auto channel = grpc::CreateCustomChannel(server.grpc, grpc::InsecureChannelCredentials(), args);
    grpc::GenericStub stub(channel);
    std::string bytes = t.bytes;
    std::vector<double> latencies;
    while (Clock::now() < end) {
        stamp(bytes, t, ++sendNo);
        const auto sent = Clock::now();
        grpc::Slice slice(bytes);
        grpc::ByteBuffer request(&slice, 1), response;
        grpc::ClientContext context;
        std::promise<grpc::Status> done;
        stub.UnaryCall(&context, "/opentelemetry.proto.collector.trace.v1.TraceService/Export", {},
                       &request, &response,
                       [&done](grpc::Status s) { done.set_value(std::move(s)); });
        const grpc::Status status = done.get_future().get();
        latencies.push_back(msSince(sent));
        if (status.ok())
            totals.sentSpans += spans;
        else if (status.error_code() == grpc::StatusCode::UNAVAILABLE)
            ++totals.retries;
        else
            ++totals.failures;
    }
    totals.addLatencies(latencies);
}

void httpClient(const Server &server, const RequestTemplate &t, int spans, Clock::time_point end,
                std::atomic<std::uint64_t> &sendNo, Totals &totals)
{
    const auto colon = server.http.rfind(':');
    httplib::Client client(server.http.substr(0, colon), std::stoi(server.http.substr(colon + 1)));
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    client.set_read_timeout(60);
    std::string bytes = t.bytes;
    std::vector<double> latencies;
    while (Clock::now() < end) {
        stamp(bytes, t, ++sendNo);
        const auto sent = Clock::now();
        auto result = client.Post("/v1/traces", bytes,
                                  t.json ? "application/json" : "application/x-protobuf");
        latencies.push_back(msSince(sent));
        if (result && result->status == 200)
            totals.sentSpans += spans;
        else if (result && (result->status == 429 || result->status == 503))
            ++totals.retries;
        else if (++totals.failures <= 3)
            std::fprintf(stderr, "  http failure: %s\n",
                         result ? ("status " + std::to_string(result->status)).c_str()
                                : httplib::to_string(result.error()).c_str());
    }
    totals.addLatencies(latencies);
}

void runScenario(const Options &options, const std::string &name)
{
    const bool grpc = name.rfind("grpc", 0) == 0;
    const int spans = std::stoi(name.substr(name.find('-') + 1));
    const auto dir
        = std::filesystem::temp_directory_path() / ("spanscope-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string db = (dir / (name + ".db")).string();
    std::filesystem::remove(db);

    std::mt19937_64 rng(42);
    std::vector<RequestTemplate> templates;
    for (int i = 0; i < 16; ++i)
        templates.push_back(makeTemplate(spans, name.rfind("json", 0) == 0, rng));

    Server server = startServer(options, db);
    std::atomic<std::uint64_t> sendNo{std::uint64_t(1) << 40};
    Totals totals;
    const double cpuBefore = cpuSeconds(server.pid);
    const double selfBefore = cpuSeconds(getpid());
    const auto start = Clock::now();
    const auto end = start
        + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(options.seconds));
    std::vector<std::thread> clients;
    for (int c = 0; c < options.connections; ++c) {
        const RequestTemplate &t = templates[c % templates.size()];
        clients.emplace_back([&, c, &t = t] {
            if (grpc)
                grpcClient(server, t, spans, c, end, sendNo, totals);
            else
                httpClient(server, t, spans, end, sendNo, totals);
        });
    }
    for (auto &client : clients)
        client.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const double serverCpu = cpuSeconds(server.pid) - cpuBefore;
    const double clientCpu = cpuSeconds(getpid()) - selfBefore;
    const long rss = peakRssKiB(server.pid);
    kill(server.pid, SIGTERM);
    int status = 0;
    waitpid(server.pid, &status, 0);

    auto store = spanscope::storage::TraceStore::open(db);
    if (!store) {
        std::fprintf(stderr, "%s\n", store.error().c_str());
        std::exit(1);
    }
    auto stats = (*store)->statistics();
    const std::int64_t stored = stats->spans;
    const double bytes = static_cast<double>(std::filesystem::file_size(db));
    std::printf("%-9s %4d spans/req %2d conns  %9.0f spans/s stored  (%lld stored, %llu acked)  "
                "server CPU %4.0f%%  client CPU %4.0f%%  server peak RSS %5.0f MiB  %5.1f B/span  "
                "ack p50 %.1f p99 %.1f max %.0f ms  retries %llu  failures %llu\n",
                name.c_str(), spans, options.connections, stored / elapsed,
                static_cast<long long>(stored),
                static_cast<unsigned long long>(totals.sentSpans.load()), 100 * serverCpu / elapsed,
                100 * clientCpu / elapsed, rss / 1024.0, bytes / std::max<std::int64_t>(stored, 1),
                totals.percentile(0.5), totals.percentile(0.99), totals.percentile(1.0),
                static_cast<unsigned long long>(totals.retries.load()),
                static_cast<unsigned long long>(totals.failures.load()));
    std::fflush(stdout);
    if (static_cast<std::uint64_t>(stored) < totals.sentSpans)
        std::printf("  LOST: %llu acknowledged spans are not in the database\n",
                    static_cast<unsigned long long>(totals.sentSpans - stored));
    if (options.keep)
        std::printf("  kept %s\n", db.c_str());
    else
        std::filesystem::remove_all(dir);
}

} // namespace

int main(int argc, char **argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto next = [&] {
            return i + 1 < argc ? std::string(argv[++i]) : std::string();
        };
        if (arg == "--spanscope")
            options.spanscope = next();
        else if (arg == "--seconds")
            options.seconds = std::stod(next());
        else if (arg == "--keep")
            options.keep = true;
        else if (arg == "--connections")
            options.connections = std::stoi(next());
        else if (arg == "--only") {
            std::stringstream list(next());
            for (std::string item; std::getline(list, item, ',');)
                options.only.push_back(item);
        } else {
            std::printf("usage: ingest_bench [--spanscope PATH] [--seconds N] [--connections N] "
                        "[--only grpc-512,http-10,...] [--keep]\n");
            return arg == "--help" ? 0 : 2;
        }
    }
    std::printf(
        "Spanscope ingest benchmark: %d spans/trace, 15 attributes/span, %.0f s per scenario, "
        "generator and server on this machine (%u cores)\n",
        SpansPerTrace, options.seconds, std::thread::hardware_concurrency());
    for (const char *scenario : {"grpc-512", "http-512", "json-512", "grpc-10", "http-10"}) {
        if (options.only.empty()
            || std::find(options.only.begin(), options.only.end(), scenario) != options.only.end())
            runScenario(options, scenario);
    }
    return 0;
}
