#include "bearertoken.h"

#include <algorithm>
#include <cctype>

namespace spanscope::ingest {

bool isLoopbackHost(std::string_view host)
{
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const bool ipv4Loopback = host.starts_with("127.")
        && std::all_of(host.begin(), host.end(),
                       [](char c) { return c == '.' || std::isdigit(c); });
    return host == "localhost" || host == "::1" || ipv4Loopback;
}

bool bearerMatches(std::string_view header, std::string_view token)
{
    constexpr std::string_view Scheme = "bearer ";
    if (token.empty() || header.size() < Scheme.size())
        return false;
    const bool schemeMatches
        = std::equal(Scheme.begin(), Scheme.end(), header.begin(), [](char a, char b) {
              return a == std::tolower(static_cast<unsigned char>(b));
          });
    const std::string_view given = header.substr(Scheme.size());
    if (!schemeMatches || given.size() != token.size())
        return false;
    unsigned char difference = 0;
    for (std::size_t i = 0; i < token.size(); ++i)
        difference |= static_cast<unsigned char>(given[i] ^ token[i]);
    return difference == 0;
}

} // namespace spanscope::ingest
