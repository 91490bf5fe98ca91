#include "culprit/culprit.h"
