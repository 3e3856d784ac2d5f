#include "bearertoken.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <string>

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

bool hostHeaderIsLoopback(std::string_view header)
{
    if (header.empty())
        return true;
    std::string_view host = header;
    if (host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos)
            return false;
        const std::string_view rest = host.substr(close + 1);
        if (!rest.empty() && rest.front() != ':')
            return false;
        host = host.substr(0, close + 1);
    } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
        host = host.substr(0, colon);
    }
    std::string lower(host);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!lower.empty() && lower.back() == '.')
        lower.pop_back(); // "localhost." is the same name
    return isLoopbackHost(lower);
}

bool strongEnough(std::string_view token)
{
    const bool blank = std::all_of(token.begin(), token.end(),
                                   [](unsigned char c) { return std::isspace(c) != 0; });
    return !blank && token.size() >= MinimumTokenLength;
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

bool splitHostPort(const std::string &address, std::string &host, int &port)
{
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == address.size())
        return false;
    host = address.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    try {
        std::size_t used = 0;
        port = std::stoi(address.substr(colon + 1), &used);
        return used == address.size() - colon - 1 && port >= 0 && port <= 65535;
    } catch (const std::exception &) {
        return false;
    }
}

} // namespace spanscope::ingest
