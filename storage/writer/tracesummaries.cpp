#include "tracesummaries.h"

#include "tracestore.h"

#include <algorithm>

namespace spanscope::storage {

namespace {

std::set<std::string> splitServices(std::string_view text)
{
    std::set<std::string> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t end = std::min(text.find(ServiceSeparator, pos), text.size());
        if (end > pos)
            out.emplace(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

std::string joinServices(const std::set<std::string> &services)
{
    std::string out;
    for (const std::string &s : services) {
        if (!out.empty())
            out += ServiceSeparator;
        out += s;
    }
    return out;
}

} // namespace

TraceSummaries::TraceSummaries(Database &db, TransactionError &error)
    : m_error(error)
    , m_read(db,
             "SELECT start_ns, end_ns, span_count, error_count, log_count, "
             "has_root, root_service, root_name, services, more_services "
             "FROM traces WHERE trace_key = ?")
    , m_write(db,
              "UPDATE traces SET start_ns=?, end_ns=?, span_count=?, "
              "error_count=?, log_count=?, has_root=?, root_service=?, "
              "root_name=?, services=?, updated_seq=?, more_services=? "
              "WHERE trace_key=?")
    , m_placeWaitingLogs(
          db,
          "UPDATE logs SET "
          "time_ns = CASE WHEN time_estimated = 2 THEN (SELECT t.base_ns + s.start_offset_ns "
          "+ s.duration_ns FROM spans s JOIN traces t ON t.trace_key = s.trace_key "
          "WHERE s.trace_key = logs.trace_key AND s.span_id = logs.span_id) ELSE time_ns END, "
          "resource_id = CASE WHEN service_guessed = 1 THEN (SELECT s.resource_id FROM spans s "
          "WHERE s.trace_key = logs.trace_key AND s.span_id = logs.span_id) "
          "ELSE resource_id END, "
          "time_estimated = CASE WHEN time_estimated = 2 THEN 1 ELSE time_estimated END, "
          "service_guessed = 0 "
          "WHERE trace_key = ?1 AND (time_estimated = 2 OR service_guessed = 1) AND EXISTS "
          "(SELECT 1 FROM spans s WHERE s.trace_key = logs.trace_key "
          "AND s.span_id = logs.span_id)")
{}

std::string TraceSummaries::listedName(const std::string &service)
{
    std::string name = service;
    std::replace(name.begin(), name.end(), ServiceSeparator, '?');
    return name;
}

void TraceSummaries::markNew(std::int64_t traceKey)
{
    m_touched[traceKey].fresh = true;
}

void TraceSummaries::addSpan(std::int64_t traceKey, const Span &span, std::int64_t start,
                             std::int64_t end, const std::string &service,
                             const std::string &listed)
{
    Delta &delta = m_touched[traceKey];
    delta.start = std::min(delta.start, start);
    delta.end = std::max(delta.end, end);
    ++delta.spans;
    if (span.statusCode == StatusCode::Error)
        ++delta.errors;
    if (span.isRoot()) {
        delta.hasRoot = true;
        delta.rootService = service;
        delta.rootName = span.name;
    } else if (start < delta.firstStart) {
        delta.firstStart = start;
        delta.firstService = service;
        delta.firstName = span.name;
    }
    if (delta.services.size() < MaxSummaryServices)
        delta.services.insert(listed);
    else if (!delta.services.count(listed))
        delta.moreServices = true;
}

void TraceSummaries::addLog(std::int64_t traceKey)
{
    ++m_touched[traceKey].logs;
}

void TraceSummaries::flush(std::int64_t commitSeq)
{
    for (auto &[key, delta] : m_touched) {
        std::int64_t start = delta.start, end = delta.end;
        std::int64_t spans = delta.spans, errors = delta.errors, logs = delta.logs;
        bool hasRoot = delta.hasRoot;
        std::string rootService = delta.hasRoot ? delta.rootService : delta.firstService;
        std::string rootName = delta.hasRoot ? delta.rootName : delta.firstName;
        std::set<std::string> services = std::move(delta.services);
        bool moreServices = delta.moreServices;
        const bool hadSpans = !delta.fresh && m_read.bind(1, key).next();
        if (hadSpans && m_read.integer(2) > 0) {
            start = std::min(start, m_read.integer(0));
            end = std::max(end, m_read.integer(1));
            const bool storedRoot = m_read.integer(5) != 0;
            // Keep the stored label unless this batch brought the root, or an earlier span.
            if (storedRoot || (!delta.hasRoot && delta.firstStart >= m_read.integer(0))) {
                if (!delta.hasRoot || storedRoot) {
                    rootService = std::string(m_read.text(6));
                    rootName = std::string(m_read.text(7));
                }
            }
            hasRoot = hasRoot || storedRoot;
            auto stored = splitServices(m_read.text(8));
            services.merge(stored);
            moreServices = moreServices || m_read.integer(9) != 0;
            // The summary stays small whatever a trace names, so every commit that touches it
            // costs the same.
            while (services.size() > MaxSummaryServices) {
                services.erase(std::prev(services.end()));
                moreServices = true;
            }
        }
        if (hadSpans) {
            spans += m_read.integer(2);
            errors += m_read.integer(3);
            logs += m_read.integer(4);
        }
        m_read.reset();
        if (spans == 0) // a trace known only from logs so far
            start = end = 0;
        if (logs > 0)
            m_error.check(m_placeWaitingLogs.bind(1, key).run());
        m_error.check(m_write.bind(1, start)
                          .bind(2, end)
                          .bind(3, spans)
                          .bind(4, errors)
                          .bind(5, logs)
                          .bind(6, hasRoot ? 1 : 0)
                          .bindText(7, rootService)
                          .bindText(8, rootName)
                          .bindText(9, joinServices(services))
                          .bind(10, commitSeq)
                          .bind(11, moreServices ? 1 : 0)
                          .bind(12, key)
                          .run());
    }
    m_touched.clear();
}

std::string TraceSummaries::prepareError() const
{
    for (const Statement *statement : {&m_read, &m_write, &m_placeWaitingLogs}) {
        if (!statement->prepared())
            return statement->prepareError();
    }
    return {};
}

} // namespace spanscope::storage
