import sys

from cleanroomsml_tf.cli import main

sys.exit(main())
