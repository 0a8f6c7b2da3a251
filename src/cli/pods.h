/* SPDX-License-Identifier: Apache-2.0 */
/* What the pod verbs share: the node module's headers. */
#pragma once

#include "node/node.h"
#include "node/oci.h"
