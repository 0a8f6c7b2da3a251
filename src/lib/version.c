/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "kseccomp.h"

const char *
ksc_version(void)
{
	return KSC_VERSION;
}
