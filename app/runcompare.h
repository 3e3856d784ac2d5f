#pragma once

#include "command.h"

namespace spanscope::app {

// `compare --baseline SELECTOR --candidate SELECTOR [--fail-if EXPR]`: run against run, per
// endpoint; exits 3 when --fail-if breaks. `command` is prepared and its store open.
int compareRuns(Command &command);
// The options of that form, added to `compare`'s parser.
void addRunOptions(QCommandLineParser &parser);
bool wantsRuns(const QCommandLineParser &parser);

} // namespace spanscope::app
