#include "attributequery.h"

#include "database.h"
#include "dictionaryreader.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>

namespace spanscope::storage {

namespace {

void attrMatchFunction(sqlite3_context *ctx, int, sqlite3_value **argv)
{
    const auto *data = static_cast<const char *>(sqlite3_value_blob(argv[0]));
    const std::string_view blob(data ? data : "", data ? sqlite3_value_bytes(argv[0]) : 0);
    AttributeMatcher matcher;
    matcher.op = static_cast<AttributeOp>(sqlite3_value_int(argv[1]));
    matcher.keyId = static_cast<std::uint64_t>(sqlite3_value_int64(argv[2]));
    if (sqlite3_value_type(argv[3]) != SQLITE_NULL)
        matcher.valueId = static_cast<std::uint64_t>(sqlite3_value_int64(argv[3]));
    if (const auto *text = reinterpret_cast<const char *>(sqlite3_value_text(argv[4])))
        matcher.valueText.assign(text, sqlite3_value_bytes(argv[4]));
    matcher.number = sqlite3_value_double(argv[5]);
    matcher.resolver = static_cast<DictionaryReader *>(sqlite3_user_data(ctx));
    sqlite3_result_int(ctx, attributesMatch(blob, matcher));
}

std::optional<std::uint64_t> stringId(Database &db, const std::string &text)
{
    Statement find(db, "SELECT id FROM strings WHERE value = ?");
    if (find.bindText(1, text).next())
        return static_cast<std::uint64_t>(find.integer(0));
    return std::nullopt;
}

// The attribute blobs a completion looks at: a few spans of each of the newest traces (so one
// huge trace does not crowd out the others) or the newest log records, then the resources.
Result<std::vector<std::string>> sampleBlobs(Database &db, AttributeSource source)
{
    std::vector<std::string> blobs;
    const auto read = [&](Statement &query) {
        while (query.next())
            blobs.emplace_back(query.blob(0));
        return query.ok();
    };
    bool ok = true;
    if (source == AttributeSource::Spans) {
        Statement traces(db, "SELECT trace_key FROM traces ORDER BY trace_key DESC LIMIT ?1");
        traces.bind(1, AttributeSampleTraces);
        Statement spans(db, "SELECT attributes FROM spans WHERE trace_key = ?1 LIMIT ?2");
        while (ok && traces.next()) {
            spans.reset();
            spans.bind(1, traces.integer(0)).bind(2, AttributeSampleSpansPerTrace);
            ok = read(spans);
        }
        ok = ok && traces.ok();
    } else {
        Statement logs(db, "SELECT attributes FROM logs ORDER BY log_key DESC LIMIT ?1");
        logs.bind(1, AttributeSampleTraces * AttributeSampleSpansPerTrace);
        ok = read(logs);
    }
    Statement resources(db, "SELECT attributes FROM resources ORDER BY resource_id DESC LIMIT ?1");
    resources.bind(1, AttributeSampleTraces);
    if (!ok || !read(resources))
        return Error{"Cannot read attributes for completion: " + db.lastError()};
    return blobs;
}

} // namespace

void registerAttributeMatch(Database &db, DictionaryReader &dictionary)
{
    sqlite3_create_function_v2(db.handle(), "ss_attr_match", 6, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                               &dictionary, attrMatchFunction, nullptr, nullptr, nullptr);
}

std::optional<AttributeClauses>
AttributeClauses::prepare(Database &db, const std::vector<AttributeCondition> &conditions)
{
    AttributeClauses out;
    for (const AttributeCondition &condition : conditions) {
        Clause clause;
        clause.condition = condition;
        const auto keyId = stringId(db, condition.key);
        if (!keyId)
            return std::nullopt;
        clause.keyId = *keyId;
        if (condition.op == AttributeOp::Equals || condition.op == AttributeOp::NotEquals)
            clause.valueId = stringId(db, condition.value);
        out.m_clauses.push_back(std::move(clause));
        const std::size_t i = out.m_clauses.size() - 1;
        Statement resources(db,
                            "SELECT resource_id FROM resources WHERE "
                                + out.predicate(i, "attributes", "NULL", 1));
        out.bind(i, resources, 1);
        while (resources.next()) {
            std::string &ids = out.m_clauses[i].resourceIds;
            ids += (ids.empty() ? "" : ",") + std::to_string(resources.integer(0));
        }
    }
    return out;
}

std::string AttributeClauses::predicate(std::size_t i, std::string_view attributes,
                                        std::string_view resourceId, int firstParam) const
{
    std::string sql = "(ss_attr_match(" + std::string(attributes);
    for (int p = 0; p < ParamsPerClause; ++p)
        sql += ", ?" + std::to_string(firstParam + p);
    sql += ")";
    if (!m_clauses[i].resourceIds.empty())
        sql += " OR " + std::string(resourceId) + " IN (" + m_clauses[i].resourceIds + ")";
    return sql + ")";
}

void AttributeClauses::bind(std::size_t i, Statement &statement, int firstParam) const
{
    const Clause &clause = m_clauses[i];
    statement.bind(firstParam, static_cast<int>(clause.condition.op));
    statement.bind(firstParam + 1, clause.keyId);
    clause.valueId ? statement.bind(firstParam + 2, *clause.valueId)
                   : statement.bindNull(firstParam + 2);
    statement.bindText(firstParam + 3, clause.condition.value);
    statement.bind(firstParam + 4, clause.condition.number);
}

Result<std::vector<std::string>> sampleAttributeKeys(Database &db, DictionaryReader &dictionary,
                                                     AttributeSource source)
{
    auto blobs = sampleBlobs(db, source);
    if (!blobs)
        return Error{blobs.error()};
    std::set<std::string> keys;
    for (const std::string &blob : *blobs) {
        Attributes attributes;
        if (!decodeAttributes(blob, dictionary, attributes))
            continue; // a damaged row offers nothing
        for (KeyValue &attribute : attributes) {
            if (keys.size() < MaxCompletionKeys || keys.contains(attribute.key))
                keys.insert(std::move(attribute.key));
        }
    }
    return std::vector<std::string>(keys.begin(), keys.end());
}

Result<std::vector<std::string>> sampleAttributeValues(Database &db, DictionaryReader &dictionary,
                                                       AttributeSource source,
                                                       const std::string &key)
{
    auto blobs = sampleBlobs(db, source);
    if (!blobs)
        return Error{blobs.error()};
    std::map<std::string, int> counts;
    for (const std::string &blob : *blobs) {
        Attributes attributes;
        if (!decodeAttributes(blob, dictionary, attributes))
            continue;
        for (const KeyValue &attribute : attributes) {
            if (attribute.key != key)
                continue;
            std::string text = scalarText(attribute.value);
            if (!text.empty() && text.size() <= MaxCompletionValueLength
                && (counts.size() < 10 * MaxCompletionValues || counts.contains(text)))
                ++counts[std::move(text)];
        }
    }
    std::vector<std::pair<std::string, int>> ranked(counts.begin(), counts.end());
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto &a, const auto &b) { return a.second > b.second; });
    std::vector<std::string> out;
    for (auto &[text, count] : ranked) {
        if (out.size() == MaxCompletionValues)
            break;
        out.push_back(std::move(text));
    }
    return out;
}

} // namespace spanscope::storage
