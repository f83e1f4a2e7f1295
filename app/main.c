/* main.c - transformer-lab: parses the command line and runs the app.
 *
 * Must not: contain anything else (the app lives in app.c so tests can link it).
 */
#include <stdio.h>

#include "app.h"

int main(int argc, char **argv)
{
    app_options o;
    app_lang_early(argc, argv); /* --help and the errors below in the run's language */
    int rc = app_parse_args(argc, argv, &o, stdout, stderr);
    if (rc >= 0) return rc;
    return app_run(&o);
}
